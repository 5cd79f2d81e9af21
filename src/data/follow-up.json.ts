import {followUp} from "../../loaders/follow-up.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("follow-up.json", followUp);
