// The emulated tenant's object catalogue, written from Zuora's data-source and Describe documentation (field
// names, Describe types, picklist values, relationships): what `/v1/describe` serves and what the generator fills.

/** Describe API field types; `blob` stands for the types the Singer tap marks unsupported. */
export type FieldType =
  | 'text'
  | 'picklist'
  | 'boolean'
  | 'integer'
  | 'decimal'
  | 'date'
  | 'datetime'
  | 'blob';

/** Value generators (see data.ts); the default follows the field type. */
export type Gen =
  | 'id'
  | 'ref'
  | 'user'
  | 'name'
  | 'company'
  | 'person'
  | 'email'
  | 'phone'
  | 'address'
  | 'city'
  | 'state'
  | 'postal'
  | 'country'
  | 'number'
  | 'money'
  | 'price'
  | 'quantity'
  | 'percent'
  | 'day'
  | 'text'
  | 'awkward'
  | 'padded'
  | 'currency'
  | 'created'
  | 'updated';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** Where the field may be used: soap-only fields cannot appear in AQuA/Export queries. */
  contexts: readonly ('soap' | 'export')[];
  required: boolean;
  custom: boolean;
  options?: readonly string[];
  maxlength?: number;
  gen?: Gen;
  /** For `ref` fields: the object whose Id it holds. */
  ref?: string;
  /** Digits after the point for decimals (money 2, prices and quantities up to 9). */
  scale?: number;
  /** False for fields Describe lists as exportable that the REST Export object nevertheless rejects. */
  restExport?: boolean;
}

export interface RelatedDef {
  /** Name used in Export ZOQL joins (`BillToContact.Id`). */
  name: string;
  label: string;
  object: string;
  /** The field of this object holding the related Id. */
  via: string;
}

export interface ObjectDef {
  name: string;
  label: string;
  fields: FieldDef[];
  related: RelatedDef[];
  /** Rows per 1,000 Accounts (relative volume). */
  perThousandAccounts: number;
  /** Whether AQuA can return deleted rows for it. */
  supportsDeleted: boolean;
  /** Describes fine but any export fails with a syntax error (feature not enabled). */
  exportable: boolean;
  /** Field stamping changes: UpdatedDate, UpdatedOn, TransactionDate, or none. */
  changeField: string | null;
}

type FieldOpts = Partial<Omit<FieldDef, 'name' | 'type'>>;

function label(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\bId\b/, 'ID');
}

function f(name: string, type: FieldType, opts: FieldOpts = {}): FieldDef {
  return {
    name,
    label: opts.label ?? label(name),
    type,
    contexts: opts.contexts ?? ['soap', 'export'],
    required: opts.required ?? false,
    custom: opts.custom ?? name.endsWith('__c'),
    ...(opts.options ? { options: opts.options } : {}),
    ...(opts.maxlength !== undefined
      ? { maxlength: opts.maxlength }
      : type === 'text'
        ? { maxlength: 255 }
        : {}),
    ...(opts.gen ? { gen: opts.gen } : {}),
    ...(opts.ref ? { ref: opts.ref } : {}),
    ...(opts.scale !== undefined ? { scale: opts.scale } : type === 'decimal' ? { scale: 2 } : {}),
    ...(opts.restExport === false ? { restExport: false } : {}),
  };
}

const ref = (name: string, object: string, opts: FieldOpts = {}) =>
  f(name, 'text', { gen: 'ref', ref: object, maxlength: 32, ...opts });
const money = (name: string, opts: FieldOpts = {}) => f(name, 'decimal', { gen: 'money', scale: 2, ...opts });
const day = (name: string, opts: FieldOpts = {}) => f(name, 'date', { gen: 'day', ...opts });

const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'AUD', 'CAD', 'CHF'] as const;
const BILL_CYCLE = ['DefaultFromCustomer', 'SpecificDayofMonth', 'SubscriptionStartDay', 'ChargeTriggerDay'];

/** Id, audit fields and UpdatedDate: what nearly every Zuora object carries. */
function audited(fields: FieldDef[]): FieldDef[] {
  return [
    f('Id', 'text', { gen: 'id', required: true, maxlength: 32 }),
    ...fields,
    f('CreatedById', 'text', { gen: 'user', maxlength: 32 }),
    f('CreatedDate', 'datetime', { gen: 'created' }),
    f('UpdatedById', 'text', { gen: 'user', maxlength: 32 }),
    f('UpdatedDate', 'datetime', { gen: 'updated' }),
  ];
}

interface ObjectOpts {
  label?: string;
  related?: RelatedDef[];
  perThousandAccounts: number;
  supportsDeleted?: boolean;
  exportable?: boolean;
  changeField?: string | null;
  audited?: boolean;
}

function obj(name: string, fields: FieldDef[], o: ObjectOpts): ObjectDef {
  const all = o.audited === false ? fields : audited(fields);
  return {
    name,
    label: o.label ?? label(name),
    fields: all,
    related: o.related ?? [],
    perThousandAccounts: o.perThousandAccounts,
    supportsDeleted: o.supportsDeleted ?? true,
    exportable: o.exportable ?? true,
    changeField: o.changeField === undefined ? 'UpdatedDate' : o.changeField,
  };
}

const rel = (name: string, object: string, via: string, lbl = label(name)): RelatedDef => ({
  name,
  label: lbl,
  object,
  via,
});

export const OBJECTS: readonly ObjectDef[] = [
  obj(
    'Account',
    [
      f('AccountNumber', 'text', { gen: 'number', maxlength: 70 }),
      f('AdditionalEmailAddresses', 'text', { gen: 'email', maxlength: 1200 }),
      f('AllowInvoiceEdit', 'boolean'),
      f('AutoPay', 'boolean', { required: true }),
      money('Balance', { label: 'Account Balance' }),
      f('Batch', 'picklist', { options: ['Batch1', 'Batch2', 'Batch3', 'Batch20'], required: true }),
      f('BcdSettingOption', 'picklist', { options: ['AutoSet', 'ManualSet'] }),
      f('BillCycleDay', 'integer', { required: true }),
      ref('BillToContactId', 'Contact'),
      f('CommunicationProfileId', 'text', { gen: 'user', maxlength: 32, restExport: false }),
      money('CreditBalance'),
      f('CrmId', 'text', { gen: 'padded', maxlength: 100 }),
      f('Currency', 'picklist', { options: CURRENCIES, gen: 'currency', required: true }),
      f('CustomerServiceRepName', 'text', { gen: 'person', maxlength: 50 }),
      ref('DefaultPaymentMethodId', 'PaymentMethod'),
      day('LastInvoiceDate'),
      f('Mrr', 'decimal', { gen: 'money', scale: 9, label: 'Monthly Recurring Revenue' }),
      f('Name', 'text', { gen: 'company', required: true }),
      f('Notes', 'text', { gen: 'awkward', maxlength: 65535 }),
      f('PaymentGateway', 'text', { gen: 'text', maxlength: 40 }),
      f('PaymentTerm', 'picklist', { options: ['Due Upon Receipt', 'Net 30', 'Net 45', 'Net 60'] }),
      f('PurchaseOrderNumber', 'text', { gen: 'number', maxlength: 100 }),
      f('SalesRepName', 'text', { gen: 'person', maxlength: 50 }),
      f('SequenceSetId', 'text', { gen: 'user', maxlength: 32, restExport: false }),
      ref('SoldToContactId', 'Contact'),
      f('Status', 'picklist', { options: ['Draft', 'Active', 'Canceled'], required: true }),
      money('TotalInvoiceBalance'),
      f('PasswordHint', 'text', { gen: 'text', contexts: ['soap'] }),
      f('Segment__c', 'picklist', { options: ['SMB', 'Mid-Market', 'Enterprise'] }),
      f('Region__c', 'text', { gen: 'awkward' }),
      f('SeatCount__c', 'integer', { gen: 'quantity' }),
      f('HealthScore__c', 'decimal', { gen: 'percent', scale: 4 }),
      f('RenewalDate__c', 'date', { gen: 'day' }),
    ],
    {
      perThousandAccounts: 1000,
      related: [
        rel('BillToContact', 'Contact', 'BillToContactId', 'Bill To'),
        rel('SoldToContact', 'Contact', 'SoldToContactId', 'Sold To'),
        rel('DefaultPaymentMethod', 'PaymentMethod', 'DefaultPaymentMethodId'),
      ],
    },
  ),
  obj(
    'Contact',
    [
      ref('AccountId', 'Account', { required: true }),
      f('Address1', 'text', { gen: 'address' }),
      f('Address2', 'text', { gen: 'awkward' }),
      f('City', 'text', { gen: 'city', maxlength: 40 }),
      f('Country', 'text', { gen: 'country', maxlength: 64 }),
      f('County', 'text', { gen: 'city', maxlength: 32 }),
      f('Description', 'text', { gen: 'awkward', maxlength: 100 }),
      f('Fax', 'text', { gen: 'phone', maxlength: 40 }),
      f('FirstName', 'text', { gen: 'person', required: true, maxlength: 100 }),
      f('HomePhone', 'text', { gen: 'phone', maxlength: 40 }),
      f('LastName', 'text', { gen: 'person', required: true, maxlength: 100 }),
      f('MobilePhone', 'text', { gen: 'phone', maxlength: 40 }),
      f('NickName', 'text', { gen: 'padded', maxlength: 100 }),
      f('OtherPhone', 'text', { gen: 'phone', maxlength: 40 }),
      f('OtherPhoneType', 'picklist', { options: ['Work', 'Mobile', 'Home', 'Other'] }),
      f('PersonalEmail', 'text', { gen: 'email', maxlength: 80 }),
      f('PostalCode', 'text', { gen: 'postal', maxlength: 20 }),
      f('State', 'text', { gen: 'state', maxlength: 40 }),
      f('TaxRegion', 'text', { gen: 'state', maxlength: 32 }),
      f('WorkEmail', 'text', { gen: 'email', maxlength: 80 }),
      f('WorkPhone', 'text', { gen: 'phone', maxlength: 40 }),
      f('PreferredLanguage__c', 'picklist', { options: ['en', 'fr', 'de', 'ja', 'pt-BR'] }),
    ],
    { perThousandAccounts: 1500, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'PaymentMethod',
    [
      ref('AccountId', 'Account'),
      f('Active', 'boolean'),
      f('BankIdentificationNumber', 'text', { gen: 'number', maxlength: 6 }),
      f('CreditCardExpirationMonth', 'integer', { gen: 'quantity' }),
      f('CreditCardExpirationYear', 'integer', { gen: 'quantity' }),
      f('CreditCardHolderName', 'text', { gen: 'person', maxlength: 50 }),
      f('CreditCardMaskNumber', 'text', { gen: 'number', maxlength: 32 }),
      f('CreditCardType', 'picklist', {
        options: ['Visa', 'MasterCard', 'AmericanExpress', 'Discover', 'JCB'],
      }),
      day('LastTransactionDateTime'),
      f('LastTransactionStatus', 'text', { gen: 'text', maxlength: 50 }),
      f('NumConsecutiveFailures', 'integer', { gen: 'quantity' }),
      f('PaymentMethodStatus', 'picklist', { options: ['Active', 'Closed', 'Scrubbed'] }),
      f('Type', 'picklist', { options: ['CreditCard', 'ACH', 'PayPal', 'BankTransfer', 'DebitCard'] }),
      money('TotalAmountOfErrorPayments'),
      money('TotalAmountOfProcessedPayments'),
      f('StoredCredentialProfileId', 'text', { gen: 'user', maxlength: 32, restExport: false }),
    ],
    { perThousandAccounts: 1100, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'Product',
    [
      f('AllowFeatureChanges', 'boolean'),
      f('Category', 'picklist', { options: ['Base Products', 'Add On Services', 'Miscellaneous Products'] }),
      f('Description', 'text', { gen: 'awkward', maxlength: 500 }),
      day('EffectiveEndDate', { required: true }),
      day('EffectiveStartDate', { required: true }),
      f('Name', 'text', { gen: 'name', required: true, maxlength: 255 }),
      f('ProductNumber', 'text', { gen: 'number', maxlength: 100, restExport: false }),
      f('SKU', 'text', { gen: 'number', maxlength: 50 }),
      f('ProductLine__c', 'text', { gen: 'awkward' }),
    ],
    { perThousandAccounts: 20 },
  ),
  obj(
    'ProductRatePlan',
    [
      f('Description', 'text', { gen: 'awkward', maxlength: 500 }),
      day('EffectiveEndDate'),
      day('EffectiveStartDate'),
      f('Grade', 'decimal', { gen: 'quantity', scale: 0 }),
      f('Name', 'text', { gen: 'name', required: true }),
      ref('ProductId', 'Product', { required: true }),
      f('ProductRatePlanNumber', 'text', { gen: 'number', maxlength: 100 }),
    ],
    { perThousandAccounts: 60, related: [rel('Product', 'Product', 'ProductId')] },
  ),
  obj(
    'ProductRatePlanCharge',
    [
      f('AccountingCode', 'text', { gen: 'number', maxlength: 100 }),
      f('BillCycleDay', 'integer'),
      f('BillCycleType', 'picklist', { options: BILL_CYCLE }),
      f('BillingPeriod', 'picklist', { options: ['Month', 'Quarter', 'Annual', 'Semi-Annual', 'Week'] }),
      f('BillingTiming', 'picklist', { options: ['In Advance', 'In Arrears'] }),
      f('ChargeModel', 'picklist', {
        options: [
          'Flat Fee Pricing',
          'Per Unit Pricing',
          'Tiered Pricing',
          'Volume Pricing',
          'Overage Pricing',
        ],
      }),
      f('ChargeType', 'picklist', { options: ['OneTime', 'Recurring', 'Usage'], required: true }),
      f('DefaultQuantity', 'decimal', { gen: 'quantity', scale: 9 }),
      f('Description', 'text', { gen: 'awkward', maxlength: 500 }),
      f('IncludedUnits', 'decimal', { gen: 'quantity', scale: 9 }),
      f('ListPriceBase', 'picklist', {
        options: ['Per Billing Period', 'Per Month', 'Per Week', 'Per Year'],
      }),
      f('MaxQuantity', 'decimal', { gen: 'quantity', scale: 9 }),
      f('MinQuantity', 'decimal', { gen: 'quantity', scale: 9 }),
      f('Name', 'text', { gen: 'name', required: true, maxlength: 100 }),
      f('PriceChangeOption', 'picklist', {
        options: ['NoChange', 'SpecificPercentageValue', 'UseLatestProductCatalogPricing'],
      }),
      f('PriceIncreasePercentage', 'decimal', { gen: 'percent', scale: 9 }),
      ref('ProductRatePlanId', 'ProductRatePlan', { required: true }),
      f('TaxCode', 'text', { gen: 'number', maxlength: 64 }),
      f('Taxable', 'boolean'),
      f('TriggerEvent', 'picklist', {
        options: ['ContractEffective', 'ServiceActivation', 'CustomerAcceptance'],
      }),
      f('UOM', 'text', { gen: 'text', maxlength: 25 }),
      f('UpToPeriods', 'integer', { gen: 'quantity' }),
      f('Formula', 'blob', { label: 'Formula' }),
    ],
    { perThousandAccounts: 150, related: [rel('ProductRatePlan', 'ProductRatePlan', 'ProductRatePlanId')] },
  ),
  obj(
    'Subscription',
    [
      ref('AccountId', 'Account', { required: true }),
      f('AutoRenew', 'boolean'),
      day('CancelledDate'),
      day('ContractAcceptanceDate'),
      day('ContractEffectiveDate', { required: true }),
      ref('CreatorAccountId', 'Account'),
      f('CurrentTerm', 'integer', { gen: 'quantity' }),
      f('CurrentTermPeriodType', 'picklist', { options: ['Month', 'Year', 'Day', 'Week'] }),
      f('InitialTerm', 'integer', { gen: 'quantity' }),
      f('IsInvoiceSeparate', 'boolean'),
      f('Name', 'text', { gen: 'number', maxlength: 100, label: 'Subscription Number' }),
      f('Notes', 'text', { gen: 'awkward', maxlength: 500 }),
      day('OriginalCreatedDate'),
      ref('OriginalId', 'Subscription'),
      ref('PreviousSubscriptionId', 'Subscription'),
      f('RenewalTerm', 'integer', { gen: 'quantity' }),
      f('RenewalTermPeriodType', 'picklist', { options: ['Month', 'Year', 'Day', 'Week'] }),
      day('ServiceActivationDate'),
      f('Status', 'picklist', {
        options: [
          'Draft',
          'Pending Activation',
          'Pending Acceptance',
          'Active',
          'Cancelled',
          'Expired',
          'Suspended',
        ],
      }),
      day('SubscriptionEndDate'),
      day('SubscriptionStartDate'),
      day('TermEndDate'),
      day('TermStartDate'),
      f('TermType', 'picklist', { options: ['TERMED', 'EVERGREEN'] }),
      f('Version', 'integer', { gen: 'quantity' }),
      f('Channel__c', 'picklist', { options: ['Online', 'Partner', 'Direct Sales'] }),
    ],
    { perThousandAccounts: 1300, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'RatePlan',
    [
      f('AmendmentType', 'picklist', { options: ['NewProduct', 'RemoveProduct', 'UpdateProduct'] }),
      f('Name', 'text', { gen: 'name', maxlength: 100 }),
      ref('ProductRatePlanId', 'ProductRatePlan'),
      ref('SubscriptionId', 'Subscription', { required: true }),
    ],
    {
      perThousandAccounts: 1600,
      related: [
        rel('Subscription', 'Subscription', 'SubscriptionId'),
        rel('ProductRatePlan', 'ProductRatePlan', 'ProductRatePlanId'),
      ],
    },
  ),
  obj(
    'RatePlanCharge',
    [
      f('AccountingCode', 'text', { gen: 'number', maxlength: 100 }),
      f('BillCycleDay', 'integer'),
      f('BillCycleType', 'picklist', { options: BILL_CYCLE }),
      f('BillingPeriod', 'picklist', { options: ['Month', 'Quarter', 'Annual', 'Semi-Annual'] }),
      f('ChargeModel', 'picklist', {
        options: ['Flat Fee Pricing', 'Per Unit Pricing', 'Tiered Pricing', 'Volume Pricing'],
      }),
      f('ChargeNumber', 'text', { gen: 'number', maxlength: 50 }),
      f('ChargeType', 'picklist', { options: ['OneTime', 'Recurring', 'Usage'] }),
      day('ChargedThroughDate'),
      f('Description', 'text', { gen: 'awkward', maxlength: 500 }),
      f('DMRC', 'decimal', { gen: 'price', scale: 9, label: 'Delta MRR' }),
      f('DTCV', 'decimal', { gen: 'price', scale: 9, label: 'Delta TCV' }),
      day('EffectiveEndDate'),
      day('EffectiveStartDate'),
      f('IsLastSegment', 'boolean'),
      f('MRR', 'decimal', { gen: 'price', scale: 9 }),
      f('Name', 'text', { gen: 'name', maxlength: 100 }),
      ref('OriginalId', 'RatePlanCharge'),
      ref('ProductRatePlanChargeId', 'ProductRatePlanCharge'),
      f('Quantity', 'decimal', { gen: 'quantity', scale: 9 }),
      ref('RatePlanId', 'RatePlan', { required: true }),
      f('Segment', 'integer', { gen: 'quantity' }),
      f('TCV', 'decimal', { gen: 'price', scale: 9 }),
      f('TriggerEvent', 'picklist', {
        options: ['ContractEffective', 'ServiceActivation', 'CustomerAcceptance'],
      }),
      f('UOM', 'text', { gen: 'text', maxlength: 25 }),
      f('Version', 'integer', { gen: 'quantity' }),
    ],
    {
      perThousandAccounts: 2200,
      related: [
        rel('RatePlan', 'RatePlan', 'RatePlanId'),
        rel('ProductRatePlanCharge', 'ProductRatePlanCharge', 'ProductRatePlanChargeId'),
      ],
    },
  ),
  obj(
    'Amendment',
    [
      f('AutoRenew', 'boolean'),
      f('Code', 'text', { gen: 'number', maxlength: 50 }),
      day('ContractEffectiveDate'),
      day('CustomerAcceptanceDate'),
      f('Description', 'text', { gen: 'awkward', maxlength: 500 }),
      day('EffectiveDate'),
      f('Name', 'text', { gen: 'name', maxlength: 100 }),
      f('RenewalTerm', 'integer', { gen: 'quantity' }),
      day('ServiceActivationDate'),
      f('Status', 'picklist', {
        options: ['Draft', 'Pending Activation', 'Pending Acceptance', 'Completed'],
      }),
      ref('SubscriptionId', 'Subscription', { required: true }),
      f('TermType', 'picklist', { options: ['TERMED', 'EVERGREEN'] }),
      f('Type', 'picklist', {
        options: [
          'Cancellation',
          'NewProduct',
          'OwnerTransfer',
          'RemoveProduct',
          'Renewal',
          'UpdateProduct',
          'TermsAndConditions',
        ],
      }),
    ],
    { perThousandAccounts: 400, related: [rel('Subscription', 'Subscription', 'SubscriptionId')] },
  ),
  obj(
    'Invoice',
    [
      ref('AccountId', 'Account', { required: true }),
      money('AdjustmentAmount'),
      money('Amount'),
      money('AmountWithoutTax'),
      money('Balance'),
      f('Comments', 'text', { gen: 'awkward', maxlength: 255 }),
      money('CreditBalanceAdjustmentAmount'),
      day('DueDate'),
      day('InvoiceDate', { required: true }),
      f('InvoiceNumber', 'text', { gen: 'number', maxlength: 32 }),
      day('LastEmailSentDate'),
      money('PaymentAmount'),
      f('PostedBy', 'text', { gen: 'user', maxlength: 32 }),
      f('PostedDate', 'datetime', { gen: 'updated' }),
      money('RefundAmount'),
      f('Source', 'picklist', { options: ['BillRun', 'API', 'ApiSubscribe', 'ApiAmend'] }),
      f('Status', 'picklist', { options: ['Draft', 'Posted', 'Canceled', 'Error'] }),
      day('TargetDate'),
      money('TaxAmount'),
      money('TaxExemptAmount'),
      f('TemplateId', 'text', { gen: 'user', maxlength: 32, restExport: false }),
      f('Body', 'text', { gen: 'text', contexts: ['soap'], maxlength: 65535 }),
    ],
    { perThousandAccounts: 3000, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'InvoiceItem',
    [
      f('AccountingCode', 'text', { gen: 'number', maxlength: 100 }),
      money('ChargeAmount'),
      day('ChargeDate', { label: 'Charge Date' }),
      f('ChargeName', 'text', { gen: 'name', maxlength: 50 }),
      ref('InvoiceId', 'Invoice', { required: true }),
      ref('ProductId', 'Product'),
      f('ProductName', 'text', { gen: 'name' }),
      f('Quantity', 'decimal', { gen: 'quantity', scale: 9 }),
      ref('RatePlanChargeId', 'RatePlanCharge'),
      day('ServiceEndDate'),
      day('ServiceStartDate'),
      f('SKU', 'text', { gen: 'number', maxlength: 255 }),
      ref('SubscriptionId', 'Subscription'),
      money('TaxAmount'),
      f('TaxCode', 'text', { gen: 'number', maxlength: 64 }),
      f('TaxMode', 'picklist', { options: ['TaxExclusive', 'TaxInclusive'] }),
      f('UOM', 'text', { gen: 'text', maxlength: 25 }),
      f('UnitPrice', 'decimal', { gen: 'price', scale: 9 }),
    ],
    {
      perThousandAccounts: 9000,
      related: [
        rel('Invoice', 'Invoice', 'InvoiceId'),
        rel('Subscription', 'Subscription', 'SubscriptionId'),
        rel('RatePlanCharge', 'RatePlanCharge', 'RatePlanChargeId'),
      ],
    },
  ),
  obj(
    'Payment',
    [
      ref('AccountId', 'Account', { required: true }),
      f('AccountingCode', 'text', { gen: 'number', maxlength: 100 }),
      money('Amount', { required: true }),
      money('AppliedCreditBalanceAmount'),
      f('AuthTransactionId', 'text', { gen: 'number', maxlength: 50 }),
      f('BankIdentificationNumber', 'text', { gen: 'number', maxlength: 6 }),
      day('EffectiveDate', { required: true }),
      f('GatewayResponse', 'text', { gen: 'awkward', maxlength: 500 }),
      f('GatewayState', 'picklist', { options: ['NotSubmitted', 'Submitted', 'Settled', 'FailedToSettle'] }),
      f('PaymentNumber', 'text', { gen: 'number', maxlength: 32 }),
      ref('PaymentMethodId', 'PaymentMethod'),
      money('RefundAmount'),
      f('SettledOn', 'datetime', { gen: 'updated' }),
      f('Status', 'picklist', {
        options: ['Draft', 'Processing', 'Processed', 'Error', 'Voided', 'Canceled', 'Posted'],
      }),
      f('Type', 'picklist', { options: ['External', 'Electronic'] }),
    ],
    {
      perThousandAccounts: 2500,
      related: [
        rel('Account', 'Account', 'AccountId'),
        rel('PaymentMethod', 'PaymentMethod', 'PaymentMethodId'),
      ],
    },
  ),
  obj(
    'InvoicePayment',
    [money('Amount'), ref('InvoiceId', 'Invoice'), ref('PaymentId', 'Payment'), money('RefundAmount')],
    {
      perThousandAccounts: 2600,
      related: [rel('Invoice', 'Invoice', 'InvoiceId'), rel('Payment', 'Payment', 'PaymentId')],
    },
  ),
  obj(
    'Refund',
    [
      ref('AccountId', 'Account'),
      money('Amount'),
      f('Comment', 'text', { gen: 'awkward', maxlength: 255 }),
      f('Method', 'picklist', {
        options: ['ACH', 'Cash', 'Check', 'CreditCard', 'PayPal', 'WireTransfer', 'Other'],
      }),
      ref('PaymentMethodId', 'PaymentMethod'),
      day('RefundDate'),
      f('RefundNumber', 'text', { gen: 'number', maxlength: 32 }),
      f('RefundTransactionTime', 'datetime', { gen: 'updated' }),
      f('Status', 'picklist', { options: ['Processing', 'Processed', 'Error', 'Canceled'] }),
      f('Type', 'picklist', { options: ['External', 'Electronic'] }),
    ],
    { perThousandAccounts: 150, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'CreditBalanceAdjustment',
    [
      ref('AccountId', 'Account'),
      money('Amount'),
      f('Comment', 'text', { gen: 'awkward', maxlength: 255 }),
      day('AdjustmentDate'),
      f('Number', 'text', { gen: 'number', maxlength: 50 }),
      f('ReasonCode', 'text', { gen: 'text', maxlength: 32 }),
      ref('SourceTransactionId', 'Invoice'),
      f('SourceTransactionType', 'picklist', { options: ['Invoice', 'Payment', 'Refund'] }),
      f('Status', 'picklist', { options: ['Processed', 'Canceled'] }),
      f('Type', 'picklist', { options: ['Increase', 'Decrease'] }),
    ],
    { perThousandAccounts: 200, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'Usage',
    [
      ref('AccountId', 'Account'),
      day('EndDateTime'),
      f('Quantity', 'decimal', { gen: 'quantity', scale: 9 }),
      day('StartDateTime'),
      ref('SubscriptionId', 'Subscription'),
      f('UOM', 'text', { gen: 'text', maxlength: 25 }),
      f('ImportId', 'text', { gen: 'user', maxlength: 32, restExport: false }),
    ],
    { perThousandAccounts: 4000, related: [rel('Account', 'Account', 'AccountId')] },
  ),
  obj(
    'PaymentTransactionLog',
    [
      f('Id', 'text', { gen: 'id', required: true, maxlength: 32 }),
      f('AVSResponseCode', 'text', { gen: 'text', maxlength: 255 }),
      f('BatchId', 'text', { gen: 'number', maxlength: 255 }),
      f('CVVResponseCode', 'text', { gen: 'text', maxlength: 255 }),
      f('Gateway', 'text', { gen: 'text', maxlength: 255 }),
      f('GatewayReasonCode', 'text', { gen: 'text', maxlength: 255 }),
      f('GatewayReasonCodeDescription', 'text', { gen: 'awkward' }),
      f('GatewayState', 'picklist', { options: ['NotSubmitted', 'Submitted', 'Settled', 'FailedToSettle'] }),
      f('GatewayTransactionType', 'picklist', { options: ['Sale', 'Authorization', 'Void'] }),
      ref('PaymentId', 'Payment'),
      f('RequestString', 'text', { gen: 'awkward', maxlength: 65535 }),
      f('ResponseString', 'text', { gen: 'awkward', maxlength: 65535 }),
      f('TransactionDate', 'datetime', { gen: 'updated' }),
      f('TransactionId', 'text', { gen: 'number', maxlength: 255 }),
    ],
    { perThousandAccounts: 2700, supportsDeleted: false, changeField: 'TransactionDate', audited: false },
  ),
  obj(
    'AchNocEventLog',
    [
      f('Id', 'text', { gen: 'id', required: true, maxlength: 32 }),
      ref('AccountId', 'Account'),
      f('BankAccountName', 'text', { gen: 'person' }),
      f('CorrectedAccountNumber', 'text', { gen: 'number' }),
      f('CorrectedRoutingNumber', 'text', { gen: 'number' }),
      f('NocCode', 'picklist', { options: ['C01', 'C02', 'C03', 'C05', 'C06', 'C07'] }),
      ref('PaymentMethodId', 'PaymentMethod'),
      f('CreatedOn', 'datetime', { gen: 'created' }),
      f('UpdatedOn', 'datetime', { gen: 'updated' }),
    ],
    { perThousandAccounts: 30, changeField: 'UpdatedOn', audited: false },
  ),
  obj(
    'EmailHistory',
    [
      f('Id', 'text', { gen: 'id', required: true, maxlength: 32 }),
      ref('AccountId', 'Account'),
      f('Bcc', 'text', { gen: 'email' }),
      f('Cc', 'text', { gen: 'email' }),
      f('ErrorMessage', 'text', { gen: 'awkward' }),
      f('EventCategory', 'text', { gen: 'text' }),
      f('FromEmail', 'text', { gen: 'email' }),
      f('Result', 'text', { gen: 'text' }),
      f('Subject', 'text', { gen: 'awkward' }),
      f('ToEmail', 'text', { gen: 'email' }),
    ],
    { perThousandAccounts: 500, supportsDeleted: false, changeField: null, audited: false },
  ),
  obj('ChargeMetrics', [money('Mrr'), money('Tcv'), ref('SubscriptionId', 'Subscription')], {
    perThousandAccounts: 100,
    exportable: false,
  }),
  obj(
    'BillingPreviewRun',
    [
      f('Status', 'picklist', { options: ['Pending', 'Processing', 'Completed', 'Error'] }),
      day('TargetDate'),
    ],
    { perThousandAccounts: 5 },
  ),
];

// BillingPreviewRun's Id is SOAP-only, so exports cannot key it (the Singer tap drops such objects).
{
  const bpr = OBJECTS.find((o) => o.name === 'BillingPreviewRun');
  const id = bpr?.fields.find((x) => x.name === 'Id');
  if (id) id.contexts = ['soap'];
}

const BY_NAME = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));

/** Looks an object up by name, case-insensitively as ZOQL does. */
export function objectDef(name: string): ObjectDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function fieldDef(o: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return o.fields.find((x) => x.name.toLowerCase() === lower);
}
