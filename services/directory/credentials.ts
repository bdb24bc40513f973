/**
 * The app-only credential for Microsoft Graph, chosen by ENTRA_CREDENTIAL. Every kind may ask for a
 * token in any tenant (additionallyAllowedTenants: '*'), the person's own tenant passed with each
 * getToken. A managed identity is constructed only when configuration asks for it: it probes the
 * Azure instance-metadata address, which tests and local runs must never do.
 */
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type TokenCredential,
} from '@azure/identity';
import type { DirectoryConfig } from '../config';
import { managedIdentityCredential } from '../net/azureIdentity';

export type EntraConfig = Extract<DirectoryConfig, { kind: 'entra' }>;

/** What tests (and unusual deployments) add: a CA to trust, or where the federated assertion comes from. */
export interface CredentialExtras {
  ca?: string;
  /** Replaces the managed identity as the source of the client assertion (tests; never probes Azure). */
  assertion?: () => Promise<string>;
}

/** Entra's audience for a managed identity token used as a federated credential (workload identity federation). */
export const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange/.default';

export function createDirectoryCredential(
  config: EntraConfig,
  extras: CredentialExtras = {},
): TokenCredential {
  const options = {
    authorityHost: config.authorityHost,
    additionallyAllowedTenants: ['*'],
    disableInstanceDiscovery: config.disableInstanceDiscovery,
    ...(extras.ca ? { tlsOptions: { ca: extras.ca } } : {}),
  };
  const { clientId, homeTenantId, credential } = config;
  switch (credential.kind) {
    case 'secret':
      return new ClientSecretCredential(homeTenantId, clientId, credential.secret, options);
    case 'certificate':
      return new ClientCertificateCredential(
        homeTenantId,
        clientId,
        { certificatePath: credential.certificatePath },
        { ...options, sendCertificateChain: true },
      );
    case 'managedIdentity': {
      const assertion = extras.assertion ?? managedIdentityAssertion(credential.managedIdentityClientId);
      return new ClientAssertionCredential(homeTenantId, clientId, assertion, options);
    }
  }
}

/** The managed identity's own token is the assertion; no secret exists anywhere. */
function managedIdentityAssertion(managedIdentityClientId: string | null): () => Promise<string> {
  const mi = managedIdentityCredential(managedIdentityClientId);
  return async () => {
    const token = await mi.getToken(FEDERATION_AUDIENCE);
    if (!token) throw new Error('the managed identity gave no token');
    return token.token;
  };
}
