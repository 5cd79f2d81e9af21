import {quality} from "../../loaders/quality.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("quality.json", quality);
