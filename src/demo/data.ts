// The demo brand's customers and products: invented people, real cities.
export const DEMO_CUSTOMERS = [
  { name: 'Ava Thompson', email: 'ava.thompson@example.com', phone: '+17185550101', locale: 'en', destination: { line1: '12 Elm St', city: 'Brooklyn', region: 'NY', postalCode: '11201', country: 'US' } },
  { name: 'Mateo García', email: 'mateo.garcia@example.com', phone: '+15125550102', locale: 'es', destination: { line1: '400 Congress Ave', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' } },
  { name: 'Chloé Martin', email: 'chloe.martin@example.com', phone: '+12065550103', locale: 'fr', destination: { line1: '55 Pine St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' } },
  { name: 'Jonas Becker', email: 'jonas.becker@example.com', phone: '+13125550104', locale: 'de', destination: { line1: '9 Lake Shore Dr', city: 'Chicago', region: 'IL', postalCode: '60611', country: 'US' } },
  { name: 'Priya Patel', email: 'priya.patel@example.com', phone: '+14045550105', locale: 'en', destination: { line1: '77 Peachtree St', city: 'Atlanta', region: 'GA', postalCode: '30303', country: 'US' } },
  { name: 'Liam O’Brien', email: 'liam.obrien@example.com', phone: '+14165550106', locale: 'en', destination: { line1: '210 King St W', city: 'Toronto', region: 'ON', postalCode: 'M5H 1J9', country: 'CA' } },
  { name: 'Sofia Rossi', email: 'sofia.rossi@example.com', phone: '+14155550107', locale: 'en', destination: { line1: '1 Market St', city: 'San Francisco', region: 'CA', postalCode: '94105', country: 'US' } },
  { name: 'Noah Kim', email: 'noah.kim@example.com', phone: '+13035550108', locale: 'en', destination: { line1: '300 Main St', city: 'Denver', region: 'CO', postalCode: '80202', country: 'US' } },
  { name: 'Emma Wilson', email: 'emma.wilson@example.com', phone: '+16175550109', locale: 'en', destination: { line1: '8 Beacon St', city: 'Boston', region: 'MA', postalCode: '02108', country: 'US' } },
  { name: 'Lucas Silva', email: 'lucas.silva@example.com', phone: '+13055550110', locale: 'es', destination: { line1: '100 Biscayne Blvd', city: 'Miami', region: 'FL', postalCode: '33132', country: 'US' } },
] as const;

export const DEMO_ITEMS = [
  { sku: 'NW-TEE-01', name: 'Organic cotton tee', quantity: 1, price: 28 },
  { sku: 'NW-HOOD-02', name: 'Trail hoodie', quantity: 1, price: 74 },
  { sku: 'NW-SOCK-03', name: 'Merino hiking socks (3 pack)', quantity: 2, price: 24 },
  { sku: 'NW-JKT-04', name: 'Packable rain jacket', quantity: 1, price: 129 },
  { sku: 'NW-CAP-05', name: 'Canvas cap', quantity: 1, price: 22 },
] as const;

/**
 * Rotated through so the demo shows the unhappy paths too. The sixth is the one the customer in
 * Canada (the sixth customer, NW-10005) would draw: it gets a customs hold instead, so it is a happy one.
 */
export const DEMO_SCENARIOS = ['happy', 'delayed', 'happy', 'failed_attempt', 'pickup_point', 'happy', 'stalled', 'exception', 'return_to_sender'] as const;
