// Customer message templates: per milestone, per brand, per language. See render.ts for the entry point.
export { CROSS_SELL_MILESTONES, MAX_CROSS_SELLS } from './content.js';
export { cachedSkeletonCount, clearSkeletonCache } from './layout.js';
export { FALLBACK_LANGUAGE, LANGUAGES, type Language, languageFor } from './locales/index.js';
export { PLACEHOLDERS, type Placeholder, placeholdersIn, validateTemplateOverride } from './placeholders.js';
export { renderPreview, sampleInput } from './preview.js';
export { renderMessage } from './render.js';
export { measureSms, type SmsLength, smsHelpReply, toGsm7 } from './sms.js';
export * from './types.js';
