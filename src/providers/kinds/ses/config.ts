/** Options of an `ses` instance. The built-in `ses` instance takes them from the `ses` section. */
import * as z from 'zod';
import { SES_NAME } from '../../../contract/config-fields.js';

export const sesConfig = z.strictObject({
  /** Configuration set every send names (opens and clicks are tracked through it). */
  configurationSet: z.string().regex(SES_NAME, 'letters, digits, _ and -, at most 64').optional(),
});
export type SesInstanceOptions = z.output<typeof sesConfig>;
