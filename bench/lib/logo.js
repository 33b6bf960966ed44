// The bench brand's uploaded logo: a small SVG, or one padded (with an XML comment) to
// BENCH_LOGO_BYTES bytes, as a brand may upload a logo of up to 96 KB.
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="150" height="32"><rect width="32" height="32" rx="6" fill="#f2c14e"/><text x="42" y="23" font-size="18" fill="#fff">Bench</text></svg>';

/** The theme's `logo`, its file `bytes` long at least. */
export function benchLogo(bytes = 0) {
  const padding = Math.max(0, bytes - SVG.length - '<!---->'.length);
  const svg = padding > 0 ? SVG.replace('</svg>', `<!--${'x'.repeat(padding)}--></svg>`) : SVG;
  return { data: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, width: 150, height: 32 };
}
