"""kvis: eKVIS' survey pipeline from SurveyXact exports to published marts."""
