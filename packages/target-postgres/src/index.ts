export const placeholder = 'target-postgres';
