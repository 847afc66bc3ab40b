export { waitForLeaders } from './wait-for-leaders';
