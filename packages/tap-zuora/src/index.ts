export const placeholder = 'tap-zuora';
