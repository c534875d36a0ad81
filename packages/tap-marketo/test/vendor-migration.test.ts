import { describe, expect, it } from 'vitest';
import { baseUrlFromEndpoint, fromSingerIoConfig, SETTINGS } from '../src/settings.js';
import { readSingerIoState } from '../src/singer-io-state.js';

describe('singer-io config', () => {
  it('turns the endpoint Marketo shows (…/rest) into the base URL', () => {
    expect(baseUrlFromEndpoint('https://123-ABC-456.mktorest.com/rest')).toBe(
      'https://123-abc-456.mktorest.com',
    );
    expect(baseUrlFromEndpoint('https://123-ABC-456.mktorest.com/rest/')).toBe(
      'https://123-abc-456.mktorest.com',
    );
    expect(baseUrlFromEndpoint('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => baseUrlFromEndpoint('123-ABC-456')).toThrow(
      expect.objectContaining({ code: 'SINGER_CONFIG_INVALID', context: { setting: 'endpoint' } }),
    );
  });

  it('renames singer-io keys, scales seconds to ms, keeps string numbers for the SDK to coerce', () => {
    const { config, renamed } = fromSingerIoConfig({
      endpoint: 'https://123-ABC-456.mktorest.com/rest',
      identity: 'https://123-ABC-456.mktorest.com/identity',
      client_id: 'id',
      client_secret: 'secret',
      start_date: '2024-01-01T00:00:00Z',
      max_daily_calls: '30000',
      max_export_days: '14',
      poll_interval: '60',
      job_timeout: 7200,
      request_timeout: '120',
    });
    expect(config).toEqual({
      base_url: 'https://123-abc-456.mktorest.com',
      client_id: 'id',
      client_secret: 'secret',
      start_date: '2024-01-01T00:00:00Z',
      max_daily_calls: '30000',
      export_window_days: '14',
      bulk_poll_interval_ms: 60_000,
      max_export_wait_ms: 7_200_000,
      request_timeout: '120',
    });
    expect(renamed).toEqual([
      'endpoint → base_url',
      'max_export_days → export_window_days',
      'poll_interval → bulk_poll_interval_ms',
      'job_timeout → max_export_wait_ms',
    ]);
  });

  it('lets our own key win when both are set, and marks the secret', () => {
    const { config } = fromSingerIoConfig({
      endpoint: 'https://1-a-1.example/rest',
      base_url: 'http://127.0.0.1:9',
    });
    expect(config.base_url).toBe('http://127.0.0.1:9');
    expect(SETTINGS.properties?.client_secret?.secret).toBe(true);
    expect(SETTINGS.properties?.export_window_days?.maximum).toBe(31);
  });
});

describe('singer-io STATE', () => {
  it('reads bookmarks, saved exports and page tokens, normalising timestamps to UTC', () => {
    const s = readSingerIoState({
      currently_syncing: 'activities_fill_out_form',
      bookmarks: {
        leads: {
          updatedAt: '2024-05-01T00:00:00+00:00',
          export_id: '3f0c2a55-8e1b-4d7a-a9c4-0b6f1e2d9a77',
          export_end: '2024-05-31T00:00:00+00:00',
        },
        activities_fill_out_form: {
          activityDate: '2024-04-01T00:00:00-05:00',
          export_id: null,
          export_end: null,
        },
        campaigns: { updatedAt: '2024-05-02T10:00:00Z', next_page_token: 'GIYDAOBNGEYS2MBW' },
        activity_types: {},
      },
    });
    expect(s.currentlySyncing).toBe('activities_fill_out_form');
    expect(s.streams.get('leads')).toEqual({
      bookmark: '2024-05-01T00:00:00Z',
      exportId: '3f0c2a55-8e1b-4d7a-a9c4-0b6f1e2d9a77',
      exportEnd: '2024-05-31T00:00:00Z',
      nextPageToken: null,
    });
    expect(s.streams.get('activities_fill_out_form')?.bookmark).toBe('2024-04-01T05:00:00Z');
    expect(s.streams.get('campaigns')?.nextPageToken).toBe('GIYDAOBNGEYS2MBW');
    expect(s.streams.get('activity_types')?.bookmark).toBeNull();
  });

  it('reads an empty or missing STATE as no bookmarks, and names the stream of a broken one', () => {
    expect(readSingerIoState(undefined).streams.size).toBe(0);
    expect(readSingerIoState({}).currentlySyncing).toBeNull();
    expect(() => readSingerIoState({ bookmarks: { programs: { updatedAt: 'last tuesday' } } })).toThrow(
      expect.objectContaining({
        code: 'SINGER_MARKETO_VALUE',
        context: { stream: 'programs', field: 'updatedAt' },
      }),
    );
  });
});
