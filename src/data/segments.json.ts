import {segmentsPage} from "../../loaders/segments.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("segments.json", segmentsPage);
