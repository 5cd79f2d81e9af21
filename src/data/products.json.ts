import {products} from "../../loaders/products.js";
import {serveJson} from "../../loaders/serve.js";

await serveJson("products.json", products);
