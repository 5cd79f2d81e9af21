import {customers} from "../../loaders/customers.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("customers.json", customers);
