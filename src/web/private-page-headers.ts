// The headers of every public page opened by a secret link or form (the order's page, returns,
// lookup, unsubscribe): no shared cache keeps it, its address (which holds the secret) is not sent
// on to other sites, and it loads nothing but its own inline style, images and fonts.
export const PRIVATE_PAGE_HEADERS = {
  'cache-control': 'private, no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
} as const;
