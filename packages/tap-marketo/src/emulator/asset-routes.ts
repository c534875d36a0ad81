import { MarketoFailure, type SuccessBody } from './envelope.js';
import type { Call, Route } from './route-types.js';
import { assetTime } from './time-format.js';

/** How the Asset API says a search is exhausted: a plain-string warning and no `result`. */
export const NO_ASSETS_WARNING = 'No assets found for the given search criteria.';

/** Asset API filters: ISO 8601 without milliseconds. */
function assetDate(call: Call, name: string): number | null {
  const text = call.query.get(name);
  if (text === null || text === '') return null;
  if (/\.\d/.test(text) || Number.isNaN(Date.parse(text)))
    throw new MarketoFailure('1003', `Invalid ${name} '${text}'`);
  return Date.parse(text);
}

/**
 * Offset paging: `maxReturn` (default 20, at most 200) from `offset` over the records passing the
 * `earliestUpdatedAt`/`latestUpdatedAt` range; past the end, the "No assets found" warning.
 */
function offsetPage(
  call: Call,
  count: number,
  item: (i: number) => AssetRecord,
  shape: (r: Record<string, unknown>) => Record<string, unknown>,
  dated: boolean,
): SuccessBody {
  const maxReturn = Number(call.query.get('maxReturn') ?? 20);
  const offset = Number(call.query.get('offset') ?? 0);
  if (!Number.isInteger(maxReturn) || maxReturn < 1 || maxReturn > 200) {
    throw new MarketoFailure('1003', 'maxReturn must be between 1 and 200');
  }
  if (!Number.isInteger(offset) || offset < 0)
    throw new MarketoFailure('1003', 'offset must be a non-negative integer');
  const earliest = dated ? assetDate(call, 'earliestUpdatedAt') : null;
  const latest = dated ? assetDate(call, 'latestUpdatedAt') : null;
  if (earliest !== null && latest !== null && earliest > latest) {
    throw new MarketoFailure('1003', 'earliestUpdatedAt must be before latestUpdatedAt');
  }
  const result: unknown[] = [];
  let seen = 0;
  for (let i = 0; i < count && result.length < maxReturn; i++) {
    const r = item(i);
    if (r.createdAt > call.now) break;
    if (earliest !== null && r.updatedAt < earliest) continue;
    if (latest !== null && r.updatedAt > latest) continue;
    if (seen++ < offset) continue;
    result.push(shape({ ...r, createdAt: assetTime(r.createdAt), updatedAt: assetTime(r.updatedAt) }));
  }
  return result.length === 0 ? { warnings: [NO_ASSETS_WARNING] } : { result, warnings: [] };
}

type AssetRecord = Record<string, unknown> & { createdAt: number; updatedAt: number };

/** A browse endpoint of the Asset API over `count` generated records shaped by `shape`. */
function assetRoute(
  name: string,
  count: (call: Call) => number,
  item: (call: Call, i: number) => AssetRecord,
  shape: (r: Record<string, unknown>) => Record<string, unknown>,
): Route {
  return {
    method: 'GET',
    pattern: new RegExp(`^\\/rest\\/asset\\/v1\\/${name}\\.json$`),
    permission: 'readAssets',
    handler: (call) => offsetPage(call, count(call), (i) => item(call, i), shape, true),
  };
}

/** The fields every asset shares. */
const assetBase = (r: Record<string, unknown>) => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const ASSET_ROUTES: Route[] = [
  assetRoute(
    'programs',
    (c) => c.env.data.programCount,
    (c, i) => c.env.data.program(i),
    (r) => r,
  ),
  assetRoute(
    'smartCampaigns',
    (c) => c.env.data.campaignCount,
    (c, i) => c.env.data.campaign(i),
    (r) => ({
      ...assetBase(r),
      folder: { id: r.programId, type: 'Program' },
      status: r.active ? 'Active' : 'Inactive',
      type: r.type,
      isSystem: false,
      isActive: r.active,
      isRequestable: r.type === 'trigger',
      isCommunicationLimitEnabled: false,
      qualificationRuleType: 'once',
      workspace: r.workspaceName,
      smartListId: 7000 + (r.id as number),
      flowId: 8000 + (r.id as number),
      computedUrl: `https://app-sj01.marketo.com/#SC${String(r.id)}A1`,
    }),
  ),
  assetRoute(
    'staticLists',
    (c) => c.env.data.listCount,
    (c, i) => c.env.data.list(i),
    (r) => ({
      ...assetBase(r),
      folder: { id: 30, type: 'Folder' },
      computedUrl: `https://app-sj01.marketo.com/#ST${String(r.id)}A1`,
      workspace: r.workspaceName,
    }),
  ),
];
