/**
 * The operator's command line: `npm run admin -- <command>`. Talks to the same service layer
 * and database as the bot.
 */
import fs from 'node:fs';
import { BenefitRuleError, ValidationError } from '../domain/errors';
import { createServices, type Services } from '../index';
import { ConfigError, loadConfig } from '../config';
import { importOrganisation, OrganisationExistsError } from '../organisations/importOrganisation';
import { DatabaseUnreachableError, openStore } from '../storage/openStore';
import type { Store } from '../storage/repositories';
import { incidentsCsv, offersText } from './format';
import { settingsOf } from '../alerts/alertSettingsService';

const USAGE = `Usage: npm run admin -- <command>

  import <file.json> [--replace]         import an organisation (see examples/demo-org.json)
  summary [tenantId]                      organisations, offers and benefits
  show <tenantId> <aadObjectId>           what that user sees in Teams
  record-activation <tenantId> <benefitId> <accessId> <contractId>
                                          record the IDs Microsoft issued: the benefit becomes active (R9)
  reject-activation <tenantId> <benefitId> <reason…>
  pending [tenantId]                      activation requests waiting for Microsoft (R8)
  incidents <tenantId>                    list incidents
  export-incidents <tenantId> [file.csv]  incidents as CSV (to stdout without a file)
  alerts <tenantId>                       alert settings and every delivery (state, attempts, last error)
  alert-settings <tenantId> [--thresholds half,eightyPercent,oneLeft,exhausted] [--pending-days N]
                                          change which quota thresholds alert and the pending reminder period

Environment: DATABASE_PATH (default data/partner-support.sqlite); DATABASE_URL (postgres://…) selects PostgreSQL instead;
DIRECTORY=entra (and its variables): an imported file may list no people (they are found on first contact).`;

class UsageError extends Error {}

type Out = (line: string) => void;

/** `directory`: DIRECTORY's value; with `entra` an organisation file may list no people. */
export async function runAdmin(
  args: string[],
  services: Services,
  out: Out,
  options: { directory?: 'file' | 'entra' } = {},
): Promise<void> {
  const [command, ...rest] = args;
  const need = (n: number) => {
    if (rest.length < n) throw new UsageError(`"${command}" needs ${n} argument(s)`);
  };
  const operator = { kind: 'system' as const, name: 'admin-cli' };
  switch (command) {
    case 'import': {
      need(1);
      const file = rest[0];
      let doc: unknown;
      try {
        doc = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new UsageError(`Cannot read ${file} as JSON: ${(err as Error).message}`);
      }
      const imported = await importOrganisation(services.store, services.clock, doc, {
        replace: rest.includes('--replace'),
        actor: 'system:admin-cli',
        directory: options.directory,
      });
      out(
        `Imported ${imported.organisation.name} (tenant ${imported.organisation.tenantId}): ` +
          `${imported.users.length} users, ${imported.offers.length} offers, ${imported.benefits.length} benefits.`,
      );
      return;
    }
    case 'summary': {
      const orgs = await services.store.read((tx) => tx.organisations.list());
      const chosen = rest[0] ? orgs.filter((o) => o.tenantId === rest[0].toLowerCase()) : orgs;
      if (chosen.length === 0)
        out(rest[0] ? `No organisation for tenant ${rest[0]}.` : 'No organisations imported yet.');
      for (const org of chosen) {
        const overview = await services.benefits.overview(org.tenantId);
        if (!overview) continue;
        out(`${overview.name}  (MPN ID ${overview.mpnId}, tenant ${org.tenantId})`);
        out(offersText(overview.offers));
      }
      return;
    }
    case 'show': {
      need(2);
      const view = await services.benefits.view({
        tenantId: rest[0].toLowerCase(),
        aadObjectId: rest[1].toLowerCase(),
      });
      out(
        `${view.user.name} sees ${view.organisation.name} (MPN ID ${view.organisation.mpnId}) as of ${view.asOf}:`,
      );
      out(offersText(view.offers));
      out(view.user.canActivate ? 'May activate benefits (R2).' : 'May not activate benefits (R2).');
      return;
    }
    case 'record-activation': {
      need(4);
      const r = await services.activation.recordIds(operator, rest[0].toLowerCase(), rest[1], {
        accessId: rest[2],
        contractId: rest[3],
      });
      out(r.changed ? `${r.benefit.id} is active.` : `${r.benefit.id} was already active with these IDs.`);
      return;
    }
    case 'reject-activation': {
      need(3);
      const r = await services.activation.reject(
        operator,
        rest[0].toLowerCase(),
        rest[1],
        rest.slice(2).join(' '),
      );
      out(`${r.benefit.id} activation rejected.`);
      return;
    }
    case 'pending': {
      const orgs = await services.store.read((tx) => tx.organisations.list());
      for (const org of orgs.filter((o) => !rest[0] || o.tenantId === rest[0].toLowerCase())) {
        for (const b of await services.activation.pending(org.tenantId)) {
          out(`${org.tenantId}  ${b.id}  requested ${b.requestedAt} by ${b.requestedBy}`);
        }
      }
      return;
    }
    case 'incidents': {
      need(1);
      const incidents = await services.incidents.listAll(rest[0].toLowerCase());
      if (incidents.length === 0) out('No incidents.');
      for (const i of incidents) {
        out(`${i.id}  ${i.state.padEnd(6)} ${i.plan.padEnd(22)} ${i.openedAt.slice(0, 16)}  ${i.title}`);
      }
      return;
    }
    case 'export-incidents': {
      need(1);
      const csv = incidentsCsv(await services.incidents.listAll(rest[0].toLowerCase()));
      if (rest[1]) {
        fs.writeFileSync(rest[1], csv);
        out(`Wrote ${rest[1]}.`);
      } else process.stdout.write(csv);
      return;
    }
    case 'alerts': {
      need(1);
      const tenantId = rest[0].toLowerCase();
      const [settings, deliveries] = await services.store.read(async (tx) => [
        await settingsOf(tx, tenantId),
        await tx.deliveries.list(tenantId),
      ]);
      out(
        `thresholds: ${settings.thresholds.join(', ')}; pending reminder every ${settings.pendingReminderDays} days; ` +
          `channel: ${settings.channelConversationId ?? 'none'}`,
      );
      if (deliveries.length === 0) out('No alert deliveries.');
      for (const d of deliveries) {
        out(
          `#${d.id}  alert ${d.outboxId}  ${d.state.padEnd(11)} ${d.recipient}  attempts ${d.attempts}` +
            `${d.sentAt ? `  sent ${d.sentAt.slice(0, 19)}` : ''}${d.lastError ? `  last error: ${d.lastError}` : ''}`,
        );
      }
      return;
    }
    case 'alert-settings': {
      need(1);
      const flag = (name: string) => {
        const i = rest.indexOf(name);
        return i > 0 ? rest[i + 1] : undefined;
      };
      const thresholds = flag('--thresholds');
      const days = flag('--pending-days');
      const after = await services.alerts.configureForOrganisation(rest[0].toLowerCase(), {
        thresholds: thresholds?.split(','),
        pendingReminderDays: days === undefined ? undefined : Number(days),
      });
      out(
        `thresholds: ${after.thresholds.join(', ')}; pending reminder every ${after.pendingReminderDays} days`,
      );
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return;
    default:
      throw new UsageError(`Unknown command "${command}"`);
  }
}

/** Turns any failure into a message and an exit code: no stack traces for the operator. */
export function describeFailure(err: unknown): { message: string; exitCode: number } {
  if (err instanceof UsageError) return { message: `${err.message}\n\n${USAGE}`, exitCode: 2 };
  if (err instanceof ValidationError) {
    return {
      message: `Nothing was changed. Problems:\n${err.problems.map((p) => `  ${p.path}: ${p.reason}`).join('\n')}`,
      exitCode: 1,
    };
  }
  if (
    err instanceof ConfigError ||
    err instanceof OrganisationExistsError ||
    err instanceof DatabaseUnreachableError
  )
    return { message: err.message, exitCode: 1 };
  if (err instanceof BenefitRuleError)
    return {
      message: `${err.message} (${err.code}${err.rules.length ? `, ${err.rules.join(', ')}` : ''})`,
      exitCode: 1,
    };
  return { message: `Failed: ${err instanceof Error ? err.message : String(err)}`, exitCode: 1 };
}

async function main(): Promise<void> {
  let store: Store | undefined;
  try {
    const config = loadConfig();
    store = await openStore(config);
    await runAdmin(process.argv.slice(2), createServices(store), (line) => console.log(line), {
      directory: config.directory.kind,
    });
  } catch (err) {
    const { message, exitCode } = describeFailure(err);
    console.error(message);
    process.exitCode = exitCode;
  } finally {
    await store?.close();
  }
}

if (require.main === module) void main();
