/** @jsxImportSource hono/jsx */
// "Track my order": order number + email or postal code, or a tracking number alone. Also the
// page for a link that has expired or is not valid, with the same form under the explanation.
import type { HubText } from '../i18n/index.js';
import type { ShipmentView } from '../view.js';
import { HubLayout, htmlDocument, type PageFrame } from './layout.js';
import { raw } from 'hono/html';
import { shipmentCardHtml } from './order-page.js';

export type LookupPageProps = {
  frame: PageFrame;
  text: HubText;
  /** Where the forms post to. */
  action: string;
  error?: string;
  heading?: string;
  intro?: string;
  values?: { order?: string; contact?: string; tracking?: string };
  /** False when the brand is unknown (a forged link on Waybill's own address): no form to offer. */
  forms?: boolean;
  /** A tracking-number lookup that found parcels: carrier events only. */
  parcels?: ShipmentView[];
};

export function renderLookupPage(props: LookupPageProps): string {
  const { text, values = {} } = props;
  const orderError = props.error && !props.parcels ? 'lookup-error' : undefined;
  return htmlDocument(
    <HubLayout frame={props.frame}>
      <div class="card">
        <h1>{props.heading ?? text.lookupTitle}</h1>
        {props.error ? (
          <p class="err" id="lookup-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <p>{props.intro ?? text.lookupIntro}</p>
        {props.forms === false ? null : (
        <form method="post" action={props.action}>
          <label for="order">{text.orderNumber}</label>
          <input id="order" name="order" autocomplete="off" required maxlength={64} value={values.order ?? ''} aria-describedby={orderError} />
          <label for="contact">
            {text.emailOrPostal} <span class="hint">({text.emailOrPostalHint})</span>
          </label>
          <input id="contact" name="contact" autocomplete="email" required maxlength={254} value={values.contact ?? ''} aria-describedby={orderError} />
          <p>
            <button class="btn" type="submit">{text.findOrder}</button>
          </p>
        </form>
        )}
      </div>
      {props.forms === false ? null : (
      <div class="card">
        <h2>{text.orTrackingNumber}</h2>
        <form method="post" action={props.action}>
          <label for="tracking">{text.trackingNumber}</label>
          <input id="tracking" name="tracking" autocomplete="off" required maxlength={64} value={values.tracking ?? ''} />
          <p>
            <button class="btn" type="submit">{text.findParcel}</button>
          </p>
        </form>
      </div>
      )}
      {props.parcels && props.parcels.length > 0 ? (
        <>
          <p class="muted" role="status">{text.trackingOnlyNote}</p>
          {raw(props.parcels.map((s) => shipmentCardHtml(text, s)).join(''))}
        </>
      ) : null}
    </HubLayout>,
  );
}
