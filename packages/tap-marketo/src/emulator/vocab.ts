// Word lists for generated data. Names and companies include multi-byte text and the characters that
// break naive CSV handling (commas, quotes), because real Marketo instances hold them.

export const FIRST_NAMES = [
  'Ana',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Günther',
  'Hana',
  'Ingrid',
  'João',
  'Kenji',
  'Léa',
  'Mateus',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Søren',
  'Tomás',
  'Ümit',
  'Vera',
  'Wei',
  'Zoë',
  '李娜',
  'Ольга',
  '홍길동',
  'محمد',
] as const;

export const LAST_NAMES = [
  'Andersen',
  'Becker',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'García',
  'Huang',
  'Ito',
  'Jansen',
  'Kowalski',
  "O'Brien",
  'Lefèvre',
  'Müller',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Van der Berg',
  'Wójcik',
  '山田',
  'Łukasiewicz',
] as const;

export const COMPANIES = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Health',
  'Stark Industries',
  'Wayne Enterprises',
  'Smith, Jones & "Partners" LLP',
  'Müller GmbH',
  'Société Générale de Café',
  '株式会社テスト',
  'Northwind Traders',
  'Contoso, Ltd.',
  'Tailspin Toys',
  'Fabrikam',
  'Blue Yonder Airlines',
] as const;

export const TITLES = [
  'VP Marketing',
  'Marketing Operations Manager',
  'Demand Generation Lead',
  'CMO',
  'Data Engineer',
  'Head of Growth',
  'Sales Director, EMEA',
  'Directeur Général',
  'Analyst',
] as const;

export const INDUSTRIES = [
  'Software',
  'Healthcare',
  'Manufacturing',
  'Financial Services',
  'Retail',
  'Education',
] as const;
export const LEAD_STATUSES = ['New', 'Working', 'Nurture', 'Qualified', 'Unqualified', 'Converted'] as const;
export const LEAD_SOURCES = [
  'Web',
  'Webinar',
  'Trade Show',
  'Paid Search',
  'Referral',
  'List Import',
] as const;
export const COUNTRIES = [
  'United States',
  'Germany',
  'France',
  'Japan',
  'Brazil',
  'India',
  'Canada',
  'Poland',
] as const;
export const CITIES = [
  'Chicago',
  'Berlin',
  'Lyon',
  'Osaka',
  'São Paulo',
  'Pune',
  'Montréal',
  'Kraków',
] as const;
export const LEAD_FUNCTIONS = ['Marketing', 'Sales', 'IT', 'Finance', 'Operations', 'Executive'] as const;
export const DOMAINS = ['example.com', 'example.org', 'example.net', 'corp.example', 'mail.example'] as const;
export const PAGES = [
  '/pricing',
  '/product/tour',
  '/blog/what-is-mops',
  '/contact',
  '/webinars/spring',
  '/docs?q=a,b',
] as const;
export const PROGRAM_CHANNELS = [
  'Webinar',
  'Email Blast',
  'Tradeshow',
  'Content',
  'Nurture',
  'Online Advertising',
] as const;
export const WORKSPACES = ['Default', 'EMEA', 'North America'] as const;

/** Textarea content: multi-line, quoted, with commas and multi-byte characters. */
export const NOTES = [
  'Met at booth 12.\nInterested in "Enterprise" tier, wants a quote by Friday.',
  'Call notes:\r\n- budget approved, Q3\r\n- needs SSO, SCIM',
  'Prefers contact by email — not phone. Emoji test 🚀✅',
  'Résumé attached; «très intéressé», follow up après le salon.',
  'He said: ""maybe next year"", then asked about pricing, discounts, and terms.',
  '要求: 日本語のサポート。\n担当者: 山田',
] as const;
