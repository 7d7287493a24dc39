/** Options of an `sns` instance. The built-in `sns` instance takes them from the `sms` section. */
import * as z from 'zod';
import { originationNumber, senderId } from '../../../contract/sender-fields.js';

export const snsConfig = z.strictObject({
  senderId: senderId.optional(),
  originationNumber: originationNumber.optional(),
});
