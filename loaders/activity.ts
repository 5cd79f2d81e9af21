import {activityReport} from "../lib/activity/report.js";
import type {LoaderContext} from "./serve.js";

/** The activity page's data: aggregates only (cells, windows, regions), never per-customer rows. */
export async function activity({connection, asOf, previousAsOf, settings}: LoaderContext) {
  return {previousAsOf, ...(await activityReport(connection, asOf, settings))};
}
