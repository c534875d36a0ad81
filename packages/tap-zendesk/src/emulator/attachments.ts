// Attachment objects, as comments, voice comments and user photos carry them: an image has its pixel
// size and one 80x80 thumbnail (itself an attachment), any other file has null width/height and none.

import type { RecordRng } from '@singer-ts/sdk/testing';
import { BASE } from './ids.js';
import type { Tenant } from './tenant.js';
import type { Json } from './util.js';

const FILES = [
  ['screenshot.png', 'image/png'],
  ['photo of the damage.jpg', 'image/jpeg'],
  ['invoice-2024-117.pdf', 'application/pdf'],
  ['export.csv', 'text/csv'],
  ['Bestellbestätigung.pdf', 'application/pdf'],
  ['ログ.txt', 'text/plain'],
] as const;

/** Attachment ids are derived from the owner's id: `slot` 0..7 per owner, thumbnails above them. */
export function attachmentId(owner: number, slot: number): number {
  return BASE.attachment + owner * 16 + slot;
}

export function attachment(
  t: Tenant,
  id: number,
  rng: RecordRng,
  file: readonly [string, string] = rng.pick(FILES),
): Json {
  const [fileName, contentType] = file;
  const image = contentType.startsWith('image/');
  const token = `${(id % 0xffffff).toString(36)}${rng.int(1e9).toString(36)}`;
  const contentUrl = `https://${t.subdomain}.zendesk.com/attachments/token/${token}/?name=${encodeURIComponent(fileName)}`;
  const width = image ? 320 + rng.int(1600) : null;
  const height = image ? 240 + rng.int(1200) : null;
  const record: Json = {
    url: t.url(`attachments/${id}`),
    id,
    file_name: fileName,
    content_url: contentUrl,
    mapped_content_url: contentUrl.replace(`${t.subdomain}.zendesk.com`, `support.${t.subdomain}.example`),
    content_type: contentType,
    size: 2_000 + rng.int(4_000_000),
    width,
    height,
    inline: image && rng.chance(0.3),
    deleted: false,
    malware_access_override: false,
    malware_scan_result: 'malware_not_found',
    thumbnails: [] as Json[],
  };
  if (image) record.thumbnails = [thumbnail(t, id + 8, rng, fileName, contentType)];
  return record;
}

function thumbnail(t: Tenant, id: number, rng: RecordRng, fileName: string, contentType: string): Json {
  const name = fileName.replace(/(\.[a-z]+)$/, '_thumb$1');
  const contentUrl = `https://${t.subdomain}.zendesk.com/attachments/token/t${id.toString(36)}/?name=${encodeURIComponent(name)}`;
  return {
    url: t.url(`attachments/${id}`),
    id,
    file_name: name,
    content_url: contentUrl,
    mapped_content_url: contentUrl,
    content_type: contentType,
    size: 1_000 + rng.int(9_000),
    width: 80,
    height: 80,
    inline: false,
    deleted: false,
    malware_access_override: false,
    malware_scan_result: 'malware_not_found',
  };
}

/** A profile photo: always an image with its thumbnail. */
export function photo(t: Tenant, ownerId: number, rng: RecordRng): Json {
  return attachment(t, attachmentId(ownerId, 0), rng, ['profile.png', 'image/png']);
}
