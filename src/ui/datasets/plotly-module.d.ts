// plotly.js-dist-min ships no types; the Datasets charts use it through the small interface in plotly.ts.
declare module 'plotly.js-dist-min';
