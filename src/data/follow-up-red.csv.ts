import {serveColourList} from "../../loaders/follow-up.js";

await serveColourList("follow-up-red.csv", "red");
