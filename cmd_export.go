package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"rankfile/index"
	"rankfile/pipeline"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write the records matching a query and filters, with citation fields, as JSON Lines, CSV, CSL-JSON or RIS; or the archive as WACZ",
		Description: "Writes every matching record version (the latest of each record unless --all-versions;\n" +
			"duplicates are not folded) with its URL, title, authors, publication date, capture time,\n" +
			"WARC file and offset, and a ready citation line. QUERY and the filters are those of search;\n" +
			"with neither, every record is exported. jsonl lines are records (as in records.jsonl) plus\n" +
			"doc_id, latest and citation. csl (CSL-JSON) and ris import into Zotero, EndNote or Mendeley,\n" +
			"the archived copy named by its WARC file and offset. --format wacz writes the whole archive (every capture, not only\n" +
			"the records matching) as a WACZ package for ReplayWeb.page, into --output.",
		ArgsUsage: "[QUERY]",
		Flags: append(filterFlags(),
			&cli.StringFlag{Name: "format", Value: pipeline.ExportJSONL, Usage: "jsonl, csv, csl, ris or wacz"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "file to write (default: standard output)"},
			&cli.StringFlag{Name: "sort", Value: index.SortDate, Usage: "date (oldest published first), -date or relevance"},
		),
		Action: func(c *cli.Context) error {
			q, err := queryFromFlags(c)
			if err != nil {
				return err
			}
			q.Sort = c.String("sort")
			switch q.Sort {
			case index.SortRelevance, index.SortDate, index.SortDateDesc:
			default:
				return fmt.Errorf("%w: --sort must be relevance, date or -date", errUsage)
			}
			format, out := c.String("format"), c.String("output")
			switch format {
			case pipeline.ExportJSONL, pipeline.ExportCSV, pipeline.ExportCSL, pipeline.ExportRIS:
			case pipeline.ExportWACZ:
				if out == "" || out == "-" {
					return fmt.Errorf("%w: --format wacz needs --output FILE.wacz", errUsage)
				}
				if q.Text != "" || hasFilter(q) || q.AllVersions {
					return fmt.Errorf("%w: --format wacz exports the whole archive; a query and filters apply to the record formats", errUsage)
				}
			default:
				return fmt.Errorf("%w: --format must be jsonl, csv, csl, ris or wacz", errUsage)
			}
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			if format == pipeline.ExportWACZ {
				return p.ExportWACZ(c.Context, out)
			}
			n, err := p.Export(c.Context, q, format, out)
			if err == nil && out != "" && out != "-" {
				fmt.Fprintf(p.Out, "%d records written to %s\n", n, out)
			}
			return err
		},
	}
}
