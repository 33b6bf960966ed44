import { describe, expect, it } from 'vitest';
import { withoutSignerNames } from '../../src/hub/carrier-words.js';

describe('a carrier’s words on the public page', () => {
  it.each([
    ['Delivered, signed for by: J.SMITH', 'Delivered, signed for by: …'],
    ['DELIVERED - SIGNED FOR BY : MARIA GARCIA (FRONT DESK)', 'DELIVERED - SIGNED FOR BY : … (FRONT DESK)'],
    ['Signature: jsmith', 'Signature: …'],
    ['Received by: Bob Jones, front door', 'Received by: …'],
    ['Delivered, signed for by: SMITH, JOHN', 'Delivered, signed for by: …'],
    ['SIGNATURE OBTAINED: J SMITH', 'SIGNATURE OBTAINED: …'],
    ['Delivered; signature obtained from Jane Roe; left at front door', 'Delivered; signature obtained from …; left at front door'],
    ['Entregado, firmado por Ana López', 'Entregado, firmado por …'],
    ['Livré, signé par M. Dupont', 'Livré, signé par …'],
    ['Zugestellt, unterschrieben von K. Müller - Haustür', 'Zugestellt, unterschrieben von … - Haustür'],
  ])('hide the name of whoever signed: %s', (text, shown) => {
    expect(withoutSignerNames(text)).toBe(shown);
  });

  it.each(['Delivery attempted - signature required', 'Received by the local post office', 'Delivered to mailbox', 'Signed by', 'Signed by: 12345', 'Signature obtained', 'Delivered, signature obtained (front desk)', 'Firma del cliente pendiente', 'Designed by us, shipped by FedEx'])(
    'leave every other text as the carrier wrote it: %s',
    (text) => {
      expect(withoutSignerNames(text)).toBe(text);
    },
  );
});
