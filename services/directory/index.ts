/** Builds the directory DIRECTORY names (file by default). */
import { performance } from 'node:perf_hooks';
import type { DirectoryConfig } from '../config';
import type { Store } from '../storage/repositories';
import { createDirectoryCredential, type CredentialExtras } from './credentials';
import type { Directory, DirectoryLog } from './directory';
import { EntraDirectory } from './entraDirectory';
import { EntraRoles } from './entraRoles';
import { FileDirectory } from './fileDirectory';
import { GraphClient } from './graphClient';

export type { Directory, PersonProfile, PersonRef } from './directory';

export interface DirectoryExtras extends CredentialExtras {
  /** Monotonic ms for the role cache (tests). */
  now?: () => number;
}

export function createDirectory(
  config: DirectoryConfig,
  store: Store,
  log: DirectoryLog,
  extras: DirectoryExtras = {},
): Directory {
  if (config.kind === 'file') return new FileDirectory(store);
  const consentUrl = (tenantId: string) =>
    `${config.authorityHost}/${encodeURIComponent(tenantId)}/adminconsent?client_id=${encodeURIComponent(config.clientId)}`;
  const graph = new GraphClient({
    baseUrl: config.graphBaseUrl,
    credential: createDirectoryCredential(config, extras),
    timeoutMs: config.graph.timeoutMs,
    maxRetries: config.graph.maxRetries,
    consentUrl,
    ca: extras.ca,
  });
  const cacheMs = config.roleCacheMinutes * 60_000;
  const now = extras.now ?? (() => performance.now());
  return new EntraDirectory({
    store,
    roles: new EntraRoles(graph, { clientId: config.clientId, consentUrl, cacheMs, now }),
    cacheMs,
    log,
    now,
  });
}
