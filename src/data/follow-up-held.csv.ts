import {serveColourList} from "../../loaders/follow-up.js";

await serveColourList("follow-up-held.csv", "held back");
