import {activity} from "../../loaders/activity.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("activity.json", activity);
