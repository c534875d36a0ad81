export { SETTINGS, type ZuoraConfig } from './settings.js';
export { TapZuora } from './tap.js';
