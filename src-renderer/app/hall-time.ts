// The hall's dates and times for the UI: the same rules as the core's (common/hall-time.ts).
export { hallDate, hallTime } from '../../src-main/common/hall-time.ts';
