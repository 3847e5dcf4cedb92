// plotly.js-dist-min ships no types; the Train charts use it through the small interface in plotly.ts.
declare module 'plotly.js-dist-min';
