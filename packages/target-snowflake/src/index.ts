export const placeholder = 'target-snowflake';
