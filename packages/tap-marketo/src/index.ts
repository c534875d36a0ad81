export { TapMarketo } from './tap.js';
