import {serveProductList} from "../../loaders/products.js";

await serveProductList("researched");
