import {
  BearerTokenAuthenticator,
  type ConfigOf,
  defineSchema,
  defineSettings,
  RESTStream,
  type RecordOf,
  type StreamContext,
  Tap,
  tapInfo,
} from '@singer-ts/sdk';

const settings = defineSettings(
  {
    api_token: { type: 'string', secret: true, writeOnly: true, description: 'API token (Bearer)' },
    start_date: { type: 'string', format: 'date-time', description: 'Earliest update to extract' },
  },
  { required: ['api_token'] },
);
const post = defineSchema(
  { id: { type: 'integer' }, title: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' } },
  { required: ['id', 'updated_at'] },
);

class Posts extends RESTStream<RecordOf<typeof post>> {
  readonly name = 'posts';
  readonly schema = post;
  readonly path = '/posts';
  override readonly recordsPath = 'posts.*';
  override readonly nextPagePath = 'next';
  override readonly primaryKeys = ['id'];
  override readonly replicationKey = 'updated_at';
  override queryParams({ startingValue }: StreamContext) {
    return startingValue ? { updated_since: String(startingValue) } : {};
  }
}

export class TapRest extends Tap<ConfigOf<typeof settings>> {
  static override info = tapInfo({ settings, moduleUrl: import.meta.url });
  override readonly streamTypes = [Posts];
  protected override httpOptions() {
    const authenticator = new BearerTokenAuthenticator(this.config.api_token);
    return { baseUrl: 'https://api.example.com', authenticator };
  }
}
