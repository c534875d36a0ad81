// What the emulator serves for describe and activity types stands in for a real instance's answers.
import type { ActivityTypeDescription } from '../src/activity-streams.js';
import { activityTypesResult, describeResult, LEAD_FIELDS } from '../src/emulator/index.js';
import type { DescribeField } from '../src/lead-schema.js';

export { LEAD_FIELDS };

export const describeResultForTests = (): DescribeField[] => describeResult() as DescribeField[];

export const ACTIVITY_TYPES = activityTypesResult() as ActivityTypeDescription[];
