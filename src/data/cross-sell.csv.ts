import {serveProductList} from "../../loaders/products.js";

await serveProductList("cross-sell");
