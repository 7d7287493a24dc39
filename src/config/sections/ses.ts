/** `ses`: the SES identities, configuration set and templates of the built-in `ses` instance. */
import * as z from 'zod';
import { DOMAIN, domainOrAddress, SES_NAME } from '../../contract/config-fields.js';

export const sesSection = z
  .strictObject({
    fromDomain: z.string().regex(DOMAIN, 'must be a lower-case domain name').default('example.com').meta({
      description: 'domain you send from; must be covered by `ses.identities` (itself, a parent domain, or an address on it)',
      shape: 'lower-case domain',
    }),
    identities: z.array(domainOrAddress).min(1).optional().meta({
      description:
        'SES identities the email Lambda may send as; IAM is scoped to exactly these ARNs. In the SES sandbox also list the verified recipients',
      shape: '(domain | address)[], ≥ 1',
      defaultText: '`[fromDomain]`',
    }),
    configurationSetName: z.string().regex(SES_NAME, 'letters, digits, _ and -, at most 64').optional().meta({
      description: 'configuration set the stack creates and every email uses',
      shape: '`[A-Za-z0-9_-]{1,64}`',
      defaultText: '`stackName`',
    }),
    templates: z
      .array(z.string().regex(/^(\*|[A-Za-z0-9_-]{1,64})$/, 'a template name or "*"'))
      .default([])
      .meta({
        description: 'stored templates the email Lambda may use; none by default (no template permission unless listed)',
        shape: 'template names or `*`',
      }),
    tlsPolicy: z.enum(['optional', 'require']).default('optional').meta({ description: 'outbound TLS policy of the configuration set' }),
  })
  .prefault({});
