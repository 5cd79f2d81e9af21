import {serveJson} from "../../loaders/serve.js";
import {spend} from "../../loaders/spend.js";
import {ensureTierSchema} from "../../lib/tiers/compute.js";

await serveJson("spend.json", async (context) => {
  await ensureTierSchema(context.connection, true);
  return spend(context);
});
