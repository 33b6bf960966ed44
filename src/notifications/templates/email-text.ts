// The plain-text part: the same content and links as the HTML, for clients (and people) that want text.
import type { MessageContent } from './content.js';
import { fillText } from './placeholders.js';

export function emailText(content: MessageContent): string {
  const fill = (template: string) => fillText(template, content.values);
  const { common } = content.text;
  const labelled = (label: string, value: string) => `${label}${common.colon}${value}`;
  const blocks: string[] = [fill(content.heading), fill(content.greeting), fill(content.body)];
  if (content.personal) {
    const title = content.personalTitle ? [fill(content.personalTitle)] : [];
    blocks.push([...title, content.personal.text, ...(content.personal.imageUrl ? [content.personal.imageUrl] : [])].join('\n'));
  }
  if (content.details.length > 0) blocks.push(content.details.map((row) => labelled(row.label, row.value)).join('\n'));
  if (content.next) blocks.push(`${labelled(common.nextTitle, '').trimEnd()}\n${fill(content.next)}`);
  if (content.labelButton) blocks.push(labelled(content.labelButton.label, content.labelButton.url));
  blocks.push(labelled(content.button.label, content.button.url));
  if (content.receipt) blocks.push(receiptText(content));
  blocks.push(fill(content.signOff));
  if (content.crossSells.length > 0) blocks.push(crossSellsText(content));
  blocks.push(footerText(content));
  return blocks.filter((block) => block.trim() !== '').join('\n\n') + '\n';
}

function receiptText(content: MessageContent): string {
  const { common } = content.text;
  const receipt = content.receipt!;
  const lines = receipt.lines.map((line) => `${line.quantity} × ${line.name}${line.amount ? `  ${line.amount}` : ''}`);
  if (receipt.total) lines.push(`${common.total}${common.colon}${receipt.total}`);
  return [common.receiptTitle, ...lines].join('\n');
}

function crossSellsText(content: MessageContent): string {
  const { colon, crossSellsTitle } = content.text.common;
  const lines = content.crossSells.map((item) => `- ${item.title}${item.price ? ` (${item.price})` : ''}${colon}${item.url}`);
  return [`${crossSellsTitle}${colon.trimEnd()}`, ...lines].join('\n');
}

function footerText(content: MessageContent): string {
  const lines = [...content.supportLines, content.footerReason].map((line) => fillText(line, content.values));
  if (content.unsubscribe) lines.push(`${content.unsubscribe.label}${content.text.common.colon}${content.unsubscribe.url}`);
  return ['--', ...lines].join('\n');
}
