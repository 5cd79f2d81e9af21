import {serveSegmentDownload} from "../../loaders/segments.js";

await serveSegmentDownload("parquet", true);
