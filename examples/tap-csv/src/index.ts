export const placeholder = 'tap-csv';
