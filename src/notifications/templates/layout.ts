// The email layout in MJML. MJML takes milliseconds per document, so it runs once per layout
// shape (colours, language, which blocks are present) and the result is kept as a skeleton with
// named slots; each message then only joins strings. Slots hold HTML the caller has escaped.
import type mjml from 'mjml';
import { lazyModule } from '../../lib/lazy.js';

const mjml2html = lazyModule<typeof mjml>('mjml');

export type LayoutShape = {
  lang: string;
  primary: string;
  accent: string;
  onPrimary: string;
  onAccent: string;
  /** The accent (links) and the primary colour (brand name) where they read well on white, otherwise near-black. */
  link: string;
  brandText: string;
  logo: boolean;
  details: boolean;
  next: boolean;
  personal: boolean;
  personalImage: boolean;
  labelButton: boolean;
  receipt: boolean;
  /** One entry per cross-sell: whether it has an image. */
  crossSellImages: boolean[];
};

export type Skeleton = { parts: string[]; slots: string[] };

/** `__wb_name__`: letters and digits only, so MJML, juice and the HTML writer leave it alone. */
const slot = (name: string): string => `__wb_${name}__`;
const SLOT_PATTERN = /__wb_([A-Za-z0-9]+)__/g;

const FONT_STACK = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const MAX_SKELETONS = 1000;
const skeletons = new Map<string, Promise<Skeleton>>();

/** The compiled layout for this shape, compiling it on first use (concurrent callers share one compile). */
export function skeletonFor(shape: LayoutShape): Promise<Skeleton> {
  const key = JSON.stringify(shape);
  const cached = skeletons.get(key);
  if (cached) return cached;
  const compiling = compileSkeleton(shape);
  remember(key, compiling);
  compiling.catch(() => skeletons.delete(key)); // a failed compile is retried next time
  return compiling;
}

function remember(key: string, skeleton: Promise<Skeleton>): void {
  if (skeletons.size >= MAX_SKELETONS) skeletons.delete(skeletons.keys().next().value!);
  skeletons.set(key, skeleton);
}

export const cachedSkeletonCount = (): number => skeletons.size;
export const clearSkeletonCache = (): void => skeletons.clear();

async function compileSkeleton(shape: LayoutShape): Promise<Skeleton> {
  const result = await mjml2html()(mjmlDocument(shape), { validationLevel: 'strict', keepComments: false, fonts: {} });
  if (result.errors.length > 0) throw new Error(`MJML layout is invalid: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
  return splitAtSlots(result.html);
}

function splitAtSlots(html: string): Skeleton {
  const parts: string[] = [];
  const slots: string[] = [];
  let from = 0;
  for (const match of html.matchAll(SLOT_PATTERN)) {
    parts.push(html.slice(from, match.index));
    slots.push(match[1]!);
    from = match.index + match[0].length;
  }
  parts.push(html.slice(from));
  return { parts, slots };
}

/** Joins the skeleton with the slot values; a slot without a value is left empty. */
export function fillSkeleton(skeleton: Skeleton, values: Readonly<Record<string, string>>): string {
  let html = skeleton.parts[0]!;
  for (let i = 0; i < skeleton.slots.length; i++) html += (values[skeleton.slots[i]!] ?? '') + skeleton.parts[i + 1]!;
  return html;
}

export function mjmlDocument(shape: LayoutShape): string {
  return `<mjml lang="${shape.lang}">
  ${head(shape)}
  <mj-body background-color="#f3f4f6" width="600px">
    ${header(shape)}
    <mj-section background-color="#ffffff" border-top="4px solid ${shape.primary}" padding="28px 0 16px">
      <mj-column>
        ${mainBlocks(shape).join('\n        ')}
      </mj-column>
    </mj-section>
    ${shape.crossSellImages.length > 0 ? crossSellSections(shape) : ''}
    <mj-section padding="16px 0 32px">
      <mj-column>
        <mj-text align="center" font-size="13px" line-height="20px" color="#6b7280">${slot('footer')}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

function head(shape: LayoutShape): string {
  return `<mj-head>
    <mj-title>${slot('title')}</mj-title>
    <mj-preview>${slot('preheader')}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT_STACK}" />
      <mj-text font-size="16px" line-height="24px" color="#1f2937" padding="0 32px 14px" />
      <mj-table font-size="15px" line-height="22px" color="#1f2937" padding="4px 32px 16px" />
      <mj-button background-color="${shape.primary}" color="${shape.onPrimary}" font-size="16px" font-weight="600" border-radius="6px" inner-padding="12px 28px" padding="8px 32px 16px" />
    </mj-attributes>
    <mj-style>a { color: ${shape.link}; }</mj-style>
  </mj-head>`;
}

function header(shape: LayoutShape): string {
  const brand = shape.logo
    ? `<mj-image src="${slot('logoUrl')}" alt="${slot('brandName')}" width="160px" align="center" padding="0" />`
    : `<mj-text align="center" font-size="22px" line-height="28px" font-weight="700" color="${shape.brandText}" padding="0">${slot('brandName')}</mj-text>`;
  return `<mj-section padding="24px 0">
      <mj-column>
        ${brand}
      </mj-column>
    </mj-section>`;
}

function mainBlocks(shape: LayoutShape): string[] {
  const blocks = [
    `<mj-text font-size="24px" line-height="32px" font-weight="700" color="#111827" padding="0 32px 16px">${slot('heading')}</mj-text>`,
    `<mj-text>${slot('greeting')}</mj-text>`,
    `<mj-text>${slot('body')}</mj-text>`,
  ];
  if (shape.personal) blocks.push(`<mj-text>${slot('personal')}</mj-text>`);
  if (shape.personalImage) blocks.push(`<mj-image src="${slot('personalImage')}" alt="" border-radius="6px" padding="0 32px 16px" />`);
  if (shape.details) blocks.push(`<mj-table>${slot('details')}</mj-table>`);
  if (shape.next) blocks.push(`<mj-text>${slot('next')}</mj-text>`);
  if (shape.labelButton) {
    blocks.push(
      `<mj-button href="${slot('labelButtonUrl')}" background-color="${shape.accent}" color="${shape.onAccent}" align="left">${slot('labelButtonLabel')}</mj-button>`,
    );
  }
  blocks.push(`<mj-button href="${slot('buttonUrl')}" align="left">${slot('buttonLabel')}</mj-button>`);
  if (shape.receipt) {
    blocks.push(`<mj-text font-weight="700" padding="16px 32px 4px">${slot('receiptTitle')}</mj-text>`, `<mj-table>${slot('receipt')}</mj-table>`);
  }
  blocks.push(`<mj-text padding="8px 32px 14px">${slot('signOff')}</mj-text>`);
  return blocks;
}

function crossSellSections(shape: LayoutShape): string {
  const columns = shape.crossSellImages.map((hasImage, i) => {
    const image = hasImage
      ? `<mj-image src="${slot(`crossSell${i}Image`)}" href="${slot(`crossSell${i}Url`)}" alt="${slot(`crossSell${i}Alt`)}" width="160px" border-radius="6px" padding="0 8px 8px" />`
      : '';
    return `<mj-column>
        ${image}
        <mj-text align="center" font-size="14px" line-height="20px" padding="0 8px 8px">${slot(`crossSell${i}`)}</mj-text>
      </mj-column>`;
  });
  return `<mj-section background-color="#ffffff" padding="8px 0 0">
      <mj-column>
        <mj-text font-weight="700" padding="16px 32px 8px">${slot('crossSellsTitle')}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="0 24px 24px">
      ${columns.join('\n      ')}
    </mj-section>`;
}
