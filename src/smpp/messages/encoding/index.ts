export * from './data-coding.js';
export * from './gsm7.js';
export * from './latin1.js';
export * from './segmenter.js';
export * from './ucs2.js';
