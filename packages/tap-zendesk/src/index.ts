export const placeholder = 'tap-zendesk';
