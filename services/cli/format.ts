/** Plain-text and CSV renderings for the operator's CLI. */
import { NAMES } from '../domain/facts';
import type { Incident } from '../domain/types';
import type { OfferView } from '../domain/views';

export function offerLine(o: OfferView): string {
  const level = NAMES[o.level].en;
  const competency = o.competency ? ` — ${o.competency} (${o.competencyClass} competency)` : '';
  return `${level}${competency}  [${o.startsOn} → ${o.expiresOn}${o.active ? '' : ', not active'}]`;
}

export function benefitLines(o: OfferView): string[] {
  return o.benefits.map((b) => {
    const quota = b.total === null ? `unlimited, ${b.used} used` : `${b.remaining} of ${b.total} left`;
    const ids = b.accessId ? `  Access ID ${b.accessId}, Contract ID ${b.contractId}` : '';
    return `    ${NAMES[b.type].en.padEnd(26)} ${b.status.padEnd(13)} ${quota}  (id ${b.id})${ids}`;
  });
}

export function offersText(offers: OfferView[]): string {
  return offers.flatMap((o) => [`  ${offerLine(o)}`, ...benefitLines(o)]).join('\n');
}

const CSV_COLUMNS = [
  'id',
  'state',
  'plan',
  'kind',
  'benefitId',
  'product',
  'title',
  'description',
  'severity',
  'contactName',
  'contactEmail',
  'contactPhone',
  'openedBy',
  'openedAt',
  'closedBy',
  'closedAt',
] as const;

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula are prefixed with '. */
export function csvCell(value: string | null): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function incidentsCsv(incidents: Incident[]): string {
  const rows = incidents.map((i) =>
    [
      i.id,
      i.state,
      i.plan,
      i.kind,
      i.benefitId,
      i.product,
      i.title,
      i.description,
      i.severity,
      i.contact.name,
      i.contact.email,
      i.contact.phone,
      i.openedBy,
      i.openedAt,
      i.closedBy,
      i.closedAt,
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
