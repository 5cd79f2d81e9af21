import {overview} from "../../loaders/overview.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("overview.json", overview);
