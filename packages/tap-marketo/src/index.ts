export const placeholder = 'tap-marketo';
