/**
 * Microsoft Entra credentials that come from where the bot runs (a managed identity), shared by the
 * directory (Microsoft Graph) and the PostgreSQL login. Constructed only when configuration asks
 * for them: they probe the Azure instance-metadata address, which tests and local runs must never do.
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

/** A user-assigned managed identity by its client id; null: the system-assigned one. */
export function managedIdentityCredential(clientId: string | null): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}

/**
 * The Azure SDK's chain (environment variables, workload identity, managed identity, then a
 * developer's Azure CLI or PowerShell login), with `clientId` as the managed identity to use.
 */
export function defaultAzureCredential(clientId: string | null): TokenCredential {
  return new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
}
