// renderMessage: one milestone's email (HTML + text) and SMS, in the customer's language and the brand's look.
import { messageContent } from './content.js';
import { emailHtml } from './email-html.js';
import { emailText } from './email-text.js';
import type { MessageInput, RenderedMessage } from './types.js';

/**
 * Async because MJML 5 compiles asynchronously; after the first message of a given layout shape
 * the compiled skeleton is cached and rendering is string work only.
 */
export async function renderMessage(input: MessageInput): Promise<RenderedMessage> {
  const content = messageContent(input);
  const html = await emailHtml(content, input.brand);
  return {
    email: {
      subject: content.subject,
      html,
      text: emailText(content),
      preheader: content.preheader,
      fromName: input.brand.senderName ?? input.brand.name,
      ...(input.brand.replyTo ? { replyTo: input.brand.replyTo } : {}),
    },
    sms: content.sms,
  };
}
