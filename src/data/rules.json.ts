import {rules} from "../../loaders/rules.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("rules.json", rules);
