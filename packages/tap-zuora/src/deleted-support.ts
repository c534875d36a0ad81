/**
 * Objects whose deleted rows AQuA cannot return: Zuora's documented list plus the ones singer-io/tap-zuora
 * learned in production (it never asks them for a `deleted` column).
 */
export const NO_DELETED_RECORDS: ReadonlySet<string> = new Set([
  'AccountingCode',
  'AccountingPeriod',
  'BookingTransaction',
  'CalloutHistory',
  'ContactSnapshot',
  'DiscountAppliedMetrics',
  'EmailHistory',
  'HpmCaptchaValidationResult',
  'PaymentGatewayReconciliationEventLog',
  'PaymentMethodTransactionLog',
  'PaymentReconciliationJob',
  'PaymentReconciliationLog',
  'PaymentTransactionLog',
  'ProcessedUsage',
  'RefundTransactionLog',
  'SmartPreventionAudit',
  'UpdaterBatch',
  'UpdaterDetail',
]);

/** Replication keys in the order singer-io/tap-zuora picks the first present one; none means FULL_TABLE. */
export const REPLICATION_KEYS = ['UpdatedDate', 'TransactionDate', 'UpdatedOn'] as const;

/** Related objects that cannot be joined in an export (singer-io/tap-zuora skips them). */
export const UNJOINABLE_RELATED_OBJECTS: ReadonlySet<string> = new Set(['SubscriptionStatusHistory']);
