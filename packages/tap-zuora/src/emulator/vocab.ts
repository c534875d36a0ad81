// Word lists for generated values: multi-script text, and strings that need CSV quoting or keep whitespace.

export const COMPANIES = [
  'Acme, Inc.',
  'Société "Générale" des Eaux',
  '株式会社サンプル',
  'Müller & Söhne GmbH',
  "O'Reilly Media",
  'Blue Sky Ltd',
  'Ωmega Analytics',
  'Nørdisk Design ApS',
  'Zeta Labs',
  '🚀 Rocket Co',
  'Café Olé S.L.',
  'Москва Трейдинг',
] as const;

export const FIRST = [
  'Ana',
  'Björn',
  'Chloé',
  'Dmitri',
  'Émile',
  'Fatima',
  'Grace',
  'Hiroshi',
  'Ingrid',
  'José',
  'Kwame',
  'Łucja',
  'Zoë',
  '美咲',
] as const;
export const LAST = [
  'Smith',
  "O'Brien",
  'García',
  'Müller',
  'Nakamura',
  'Okafor',
  'Søren',
  'Dubois',
  'Kowalski',
  '王',
  'Van der Berg',
] as const;
export const CITIES = [
  'San Francisco',
  'London',
  'München',
  'São Paulo',
  '東京',
  'Zürich',
  'Kraków',
  'Montréal',
  'Sydney',
] as const;
export const STATES = ['CA', 'NY', 'Bayern', 'Île-de-France', 'Ontario', 'NSW', '東京都'] as const;
export const COUNTRIES = [
  'United States',
  'United Kingdom',
  'Germany',
  'France',
  'Japan',
  'Brazil',
  'Canada',
  'Australia',
] as const;
export const STREETS = [
  'Market St',
  'Rue de Rivoli',
  'Königstraße',
  'Avenida Paulista',
  '銀座通り',
  'Baker Street',
] as const;
export const PRODUCTS = [
  'Gold Plan',
  'Silver Plan',
  'Basic — monthly',
  'Enterprise, annual',
  '高级版',
  'Add-on "Storage"',
  'Überpaket',
  'Support 24×7',
] as const;
export const WORDS = [
  'alpha',
  'gateway',
  'approved',
  'settled',
  'pending',
  'retry',
  'manual',
  'batch',
  'review',
  'ok',
] as const;
export const DOMAINS = ['example.com', 'example.org', 'exämple.de', 'example.co.jp'] as const;

/** Free text that CSV writers must quote (commas, quotes, line breaks) or that tests whitespace and Unicode. */
export const AWKWARD = [
  'Plain note',
  'Comma, inside',
  'He said "hello"',
  'Line one\nline two',
  'Windows\r\nline break',
  '  leading and trailing spaces  ',
  'Tab\tseparated',
  'Backslash \\ and slash /',
  'Ünïcödé — ✓ 𝄞 😀',
  '日本語のメモ、句読点付き',
  '"quoted at both ends"',
  ',starts with comma',
  'ends with newline\n',
  '',
  "It's ok",
  'Semicolon; pipe | caret ^',
] as const;
